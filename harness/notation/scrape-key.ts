/** The key under which a scraped selector's series is stored beside PromQL results (pure: the judge reads it too). */
export const scrapeKey = (selector: string): string => `scrape:${selector}`;
