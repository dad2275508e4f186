/** `go build` with progress, from scripts/lib (shared with the demo and the benchmark). */
export * from "../../scripts/lib/go_build.ts";
