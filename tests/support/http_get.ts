/** A plain HTTP/1.0 GET over TCP: no proxy settings apply and no connection is pooled. */
export async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port || 80) });
  try {
    await conn.write(
      new TextEncoder().encode(`GET ${u.pathname}${u.search} HTTP/1.0\r\nHost: ${u.host}\r\n\r\n`),
    );
    const text = await new Response(conn.readable).text();
    const [head, ...rest] = text.split("\r\n\r\n");
    const status = Number(head.split(" ")[1]);
    if (!(status >= 100)) throw new Error(`not an HTTP answer from ${url}: "${text.slice(0, 80)}"`);
    return { status, body: rest.join("\r\n\r\n") };
  } finally {
    try {
      conn.close();
    } catch {
      // the readable closed it
    }
  }
}
