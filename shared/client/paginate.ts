/**
 * Iterates a paged list (page_token → next_page_token), stopping on an empty or repeated
 * token so a misbehaving server cannot loop us forever.
 */
export interface Page {
  next_page_token?: string;
}

export async function* paginate<P extends Page, T>(fetchPage: (pageToken: string | undefined) => Promise<P>, items: (page: P) => readonly T[] | undefined): AsyncGenerator<T> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    const page = await fetchPage(token);
    for (const item of items(page) ?? []) yield item;
    const next = page.next_page_token;
    if (!next || seen.has(next)) return;
    seen.add(next);
    token = next;
  }
}

export async function collect<T>(iterable: AsyncIterable<T>, limit = Infinity): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
