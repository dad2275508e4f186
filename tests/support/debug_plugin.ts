/** A plugin in debug mode, from scripts/lib (shared with the benchmark). */
export * from "../../scripts/lib/debug_plugin.ts";
