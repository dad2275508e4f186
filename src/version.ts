/** The toolkit's version (deno.json `version`; a test keeps the two equal). */
export const VERSION = "0.1.0";
