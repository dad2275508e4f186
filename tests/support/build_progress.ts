/** The build progress display, from scripts/lib (shared with the demo). */
export * from "../../scripts/lib/build_progress.ts";
