declare module 'http-parser-js' {
  /** The parts of http-parser-js's HTTPParser (Node's parser API, in JavaScript) that ordeal uses. */
  export class HTTPParser {
    static readonly RESPONSE: 'RESPONSE';
    static readonly kOnHeadersComplete: 2;
    static readonly kOnBody: 3;
    static readonly kOnMessageComplete: 4;
    constructor(type: 'RESPONSE');
    initialize(type: 'RESPONSE'): void;
    execute(chunk: Buffer): number | Error;
    finish(): void | Error;
    [HTTPParser.kOnHeadersComplete]: (info: {
      statusCode: number;
      shouldKeepAlive: boolean;
      upgrade: boolean;
      headers: string[];
    }) => number | boolean | void;
    [HTTPParser.kOnBody]: (chunk: Buffer, start: number, length: number) => void;
    [HTTPParser.kOnMessageComplete]: () => void;
  }
}
