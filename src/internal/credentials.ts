/**
 * How a server's connections are secured: plaintext, or go-plugin's
 * AutoMTLS (`mtls.ts`, loaded only when the host asks for it).
 */
import * as grpc from "@grpc/grpc-js";

/** The credentials every server of a plugin serves with and every broker dial uses. */
export interface Credentials {
  /** For the main server and the servers the broker starts. */
  server(): grpc.ServerCredentials;
  /** For dialing the host's broker servers. */
  client(): { creds: grpc.ChannelCredentials; options: grpc.ChannelOptions };
}

/** No TLS: what go-plugin uses without AutoMTLS (the socket directory is private). */
export const INSECURE: Credentials = {
  server: () => grpc.ServerCredentials.createInsecure(),
  client: () => ({ creds: grpc.credentials.createInsecure(), options: {} }),
};
