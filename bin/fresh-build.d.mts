/** Types of fresh-build.mjs (plain JavaScript: bin/ runs without a build). */
export declare const BUILD_SOURCES: readonly string[];
export declare function newestMtimeMs(entry: string): number;
export declare function isBuildFresh(root: string, builtFile: string): boolean;
