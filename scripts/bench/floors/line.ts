/**
 * Start-up floor: a `deno run` that only prints a go-plugin handshake line
 * and exits (nothing listens): what the runtime costs before any module.
 *
 * @module
 */
Deno.stdout.writeSync(new TextEncoder().encode("1|1|unix|/nonexistent/plugin.sock|grpc|\n"));
