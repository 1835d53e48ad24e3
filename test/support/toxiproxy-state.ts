/** What a Toxiproxy server holds right now, read straight from its HTTP API. */
export async function toxiproxyState(
  url: string,
): Promise<{ name: string; enabled: boolean; toxics: { name: string }[] }[]> {
  const response = await fetch(`${url}/proxies`);
  const proxies = (await response.json()) as Record<
    string,
    { name: string; enabled: boolean; toxics: { name: string }[] }
  >;
  return Object.values(proxies);
}
