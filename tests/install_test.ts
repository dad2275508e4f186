/**
 * `install`: the binary copied with exec bits, the `--dev` launcher (its text,
 * and that it runs the source with exactly the baked permissions), the search
 * order Waypoint 0.11.4 uses (internal/plugin/discover.go, adrg/xdg v0.2.1,
 * go-homedir) with HOME and XDG_CONFIG_HOME overridden, and usage errors.
 */
import { assert, assertEquals, assertStringIncludes } from "./support/assert.ts";
import { join } from "./support/path.ts";
import { REPO } from "./support/host.ts";
import { hostTarget } from "../src/tools/compile/targets.ts";
import { installNames, launcherCmd, launcherScript } from "../src/tools/install/launcher.ts";
import {
  userPluginDir,
  waypointSearchPaths,
  xdgConfigHome,
} from "../src/tools/install/search_paths.ts";

const dec = new TextDecoder();
const TOOL = join(REPO, "src", "tools", "install.ts");
/** What the launcher adds to a scoped read or write flag, for sh to expand when Waypoint runs it. */
const TMP = ",${TMPDIR:-/tmp},${PLUGIN_UNIX_SOCKET_DIR:-/tmp}";

interface Fixture {
  root: string;
  /** The plugin's Deno project. */
  plugin: string;
  /** A Waypoint project (has waypoint.hcl). */
  app: string;
  home: string;
}

async function fixture(): Promise<Fixture> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wp-install-" }));
  const plugin = join(root, "plugin");
  const app = join(root, "app");
  const home = join(root, "home");
  for (const d of [plugin, app, home]) await Deno.mkdir(d);
  await Deno.writeTextFile(
    join(plugin, "deno.json"),
    JSON.stringify({ name: "@local/waypoint-plugin-demo", version: "0.3.0" }),
  );
  await Deno.writeTextFile(join(plugin, "main.ts"), "");
  await Deno.writeTextFile(join(app, "waypoint.hcl"), 'app "web" {}\n');
  return { root, plugin, app, home };
}

async function install(args: string[], cwd: string, env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", TOOL, ...args],
    cwd,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", NO_COLOR: "1", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The search-order rows of the output: [number, status, folder, why and marks]. */
function searchRows(stdout: string): string[][] {
  return stdout.split("\n").flatMap((l) => {
    const m = l.match(/^ {2}(\d)\. (found|no plugin|no folder|unknown) +(\S+) {2,}(.*)$/);
    return m ? [[`${m[1]}.`, m[2], m[3], m[4]]] : [];
  });
}

const host = hostTarget(Deno.build.os, Deno.build.arch)!;

Deno.test("install copies this machine's binary into <project>/.waypoint/plugins, executable", async () => {
  const f = await fixture();
  const bytes = crypto.getRandomValues(new Uint8Array(60_000));
  await Deno.mkdir(join(f.plugin, "bin", host.goName), { recursive: true });
  await Deno.writeFile(join(f.plugin, "bin", host.goName, "waypoint-plugin-demo"), bytes, {
    mode: 0o644,
  });
  const env = { HOME: f.home, XDG_CONFIG_HOME: join(f.root, "xdg") };
  const r = await install(["--project", f.app], f.plugin, env);
  assertEquals(r.code, 0, r.stderr);
  const dest = join(f.app, ".waypoint", "plugins", "waypoint-plugin-demo");
  assertEquals(await Deno.readFile(dest), bytes);
  assertEquals((await Deno.stat(dest)).mode! & 0o777, 0o755);
  assertEquals(r.stdout.split("\n").slice(0, 3), [
    `installed ${dest}`,
    `  the ${host.goName} binary from ${
      join(f.plugin, "bin", host.goName, "waypoint-plugin-demo")
    } (60000 bytes)`,
    `  into ${join(f.app, ".waypoint", "plugins")} (--project)`,
  ]);
  assertEquals(searchRows(r.stdout), [
    ["1.", "no plugin", f.app, "the Waypoint project (the runner's working directory)"],
    [
      "2.",
      "found",
      join(f.app, ".waypoint", "plugins"),
      "the project's plugins  <- Waypoint runs this one (installed now)",
    ],
    [
      "3.",
      "no folder",
      join(f.root, "xdg", "waypoint", "plugins"),
      "$XDG_CONFIG_HOME/waypoint/plugins (unset: ~/.config/…), via adrg/xdg",
    ],
    [
      "4.",
      "no folder",
      join(f.home, ".config", "waypoint", "plugins"),
      "~/.config/waypoint/plugins (hard-coded)",
    ],
  ]);
  assertEquals(r.stderr, "");

  // A copy in the project folder itself comes first: Waypoint would run that one.
  await Deno.writeFile(join(f.app, "waypoint-plugin-demo"), new Uint8Array([1]));
  const shadowed = await install(["--project", f.app], f.plugin, env);
  assertEquals(shadowed.code, 0, shadowed.stderr);
  assertEquals(searchRows(shadowed.stdout).map((row) => row[1]), [
    "found",
    "found",
    "no folder",
    "no folder",
  ]);
  assertEquals(
    shadowed.stderr,
    `warning: Waypoint runs ${join(f.app, "waypoint-plugin-demo")} first, not the copy just ` +
      `installed: remove it, or install there\n`,
  );
  await Deno.remove(f.root, { recursive: true });
});

Deno.test("without a Waypoint project, or with --global, install goes to ~/.config/waypoint/plugins", async () => {
  const f = await fixture();
  await Deno.mkdir(join(f.plugin, "bin", host.goName), { recursive: true });
  await Deno.writeTextFile(join(f.plugin, "bin", host.goName, "waypoint-plugin-demo"), "x");
  const userDir = join(f.home, ".config", "waypoint", "plugins");

  const r = await install([], f.plugin, { HOME: f.home });
  assertEquals(r.code, 0, r.stderr);
  assertStringIncludes(
    r.stdout,
    `  into ${userDir} (no Waypoint project here (no waypoint.hcl; pass --project <dir> to install into one))\n`,
  );
  assertEquals(searchRows(r.stdout), [
    ["1.", "unknown", "<project>", "the Waypoint project (the runner's working directory)"],
    ["2.", "unknown", "<project>", "the project's plugins"],
    [
      "3.",
      "found",
      userDir,
      "$XDG_CONFIG_HOME/waypoint/plugins (unset: ~/.config/…), via adrg/xdg  <- Waypoint runs this one (installed now)",
    ],
    ["4.", "found", userDir, "~/.config/waypoint/plugins (hard-coded) (installed now)"],
  ]);
  assertEquals((await Deno.stat(join(userDir, "waypoint-plugin-demo"))).mode! & 0o777, 0o755);

  // --global wins over a waypoint.hcl in the current folder.
  await Deno.writeTextFile(join(f.plugin, "waypoint.hcl"), "");
  await Deno.remove(join(userDir, "waypoint-plugin-demo"));
  const g = await install(["--global"], f.plugin, { HOME: f.home });
  assertEquals(g.code, 0, g.stderr);
  assertStringIncludes(g.stdout, `  into ${userDir} (--global)\n`);
  assertEquals(await Deno.readTextFile(join(userDir, "waypoint-plugin-demo")), "x");
  await Deno.remove(f.root, { recursive: true });
});

/** The DENO_DIR the tests share (the launchers run with a fixture's HOME). */
const DENO_DIR = Deno.env.get("DENO_DIR") ?? join(Deno.env.get("HOME") ?? "", ".cache", "deno");

/** A plugin project whose entry reports what it runs with. */
async function reportingPlugin(f: Fixture): Promise<void> {
  await Deno.writeTextFile(
    join(f.plugin, "deno.json"),
    JSON.stringify({
      name: "@local/waypoint-plugin-demo",
      imports: { "greeting": "./greeting.ts" },
      waypoint: { permissions: ["env", "read", "run=go"] },
    }),
  );
  await Deno.writeTextFile(join(f.plugin, "greeting.ts"), 'export const hello = "hi";\n');
  await Deno.mkdir(join(f.plugin, "src"));
  await Deno.writeTextFile(
    join(f.plugin, "src", "plugin.ts"),
    `import { hello } from "greeting";
const names = ["env", "read", "write", "net", "run", "sys", "ffi"] as const;
const perms = Object.fromEntries(
  names.map((name) => [name, Deno.permissions.querySync({ name }).state]),
);
let prompted = "no";
try {
  Deno.statSync("/");
  await Deno.permissions.request({ name: "ffi" }).then((s) => { prompted = s.state; });
} catch (e) {
  prompted = (e as Error).name;
}
const main = import.meta.url;
console.log(JSON.stringify({ hello, perms, args: Deno.args, cwd: Deno.cwd(), prompted, main }));
`,
  );
}

/** Runs a launcher as Waypoint does: its path, from the project folder, a clean environment. */
async function runLauncher(launcher: string, f: Fixture, args: string[] = []) {
  const ran = await new Deno.Command(launcher, {
    args,
    cwd: f.app,
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "", HOME: f.home, DENO_DIR, NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: ran.code, stdout: dec.decode(ran.stdout), stderr: dec.decode(ran.stderr) };
}

Deno.test("install --dev: the launcher runs a bundle of the source, rebuilt when a source changes", async () => {
  const f = await fixture();
  await reportingPlugin(f);
  const env = { HOME: f.home, DENO_DIR };
  const r = await install(["--dev", "--entry", "src/plugin.ts", "--project", f.app], f.plugin, env);
  assertEquals(r.code, 0, r.stderr);
  const launcher = join(f.app, ".waypoint", "plugins", "waypoint-plugin-demo");
  assertEquals((await Deno.stat(launcher)).mode! & 0o777, 0o755);
  const cache = join(f.home, ".cache", "waypoint-plugin", "dev");
  const [dir] = [...Deno.readDirSync(cache)].map((e) => join(cache, e.name));
  const bundle = join(dir, "demo", "main.js");
  assertEquals(r.stdout.split("\n")[1], `  a launcher: ${Deno.execPath()} run … ${bundle}`);
  assertStringIncludes(r.stdout, `bundled into ${bundle} in `);
  const text = await Deno.readTextFile(launcher);
  assertStringIncludes(
    text,
    `exec ${Deno.execPath()} run --quiet --no-prompt --no-config --no-lock --no-npm --no-remote --v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30 --allow-env --allow-read "--allow-write=/tmp${TMP}" --allow-net --allow-run=go ${bundle} "$@"\n`,
  );

  // Exactly the baked permissions, no prompt, arguments passed through, Waypoint's cwd.
  const expected = {
    hello: "hi",
    perms: {
      env: "granted",
      read: "granted",
      write: "prompt",
      net: "granted",
      run: "prompt",
      sys: "prompt",
      ffi: "prompt",
    },
    args: ["a b", "c"],
    cwd: f.app,
    prompted: "denied",
    main: `file://${bundle}`,
  };
  const first = await runLauncher(launcher, f, ["a b", "c"]);
  assertEquals([first.code, JSON.parse(first.stdout)], [0, expected], first.stderr);
  const built = (await Deno.stat(bundle)).mtime!.getTime();

  // An edit applies on the next run, from a new bundle; stdout holds only the plugin's own.
  await new Promise((r) => setTimeout(r, 20));
  await Deno.writeTextFile(join(f.plugin, "greeting.ts"), 'export const hello = "edited";\n');
  const edited = await runLauncher(launcher, f, ["a b", "c"]);
  assertEquals(
    [edited.code, JSON.parse(edited.stdout)],
    [0, { ...expected, hello: "edited" }],
    edited.stderr,
  );
  assert((await Deno.stat(bundle)).mtime!.getTime() > built, "the bundle was not rebuilt");
  const again = await runLauncher(launcher, f);
  assertEquals(JSON.parse(again.stdout).hello, "edited");

  // A source that does not bundle: the launcher runs the source, whose error the author reads.
  await Deno.writeTextFile(join(f.plugin, "greeting.ts"), "export const hello = ;\n");
  const broken = await runLauncher(launcher, f);
  assertEquals(broken.stdout, "");
  assert(broken.code !== 0);
  assertStringIncludes(broken.stderr, "greeting.ts");
  await Deno.writeTextFile(join(f.plugin, "greeting.ts"), 'export const hello = "fixed";\n');
  const fixed = await runLauncher(launcher, f);
  assertEquals([JSON.parse(fixed.stdout).hello, JSON.parse(fixed.stdout).main], [
    "fixed",
    `file://${bundle}`,
  ]);
  await Deno.remove(f.root, { recursive: true });
});

Deno.test("install --dev --no-bundle writes a launcher that runs the source with the baked permissions", async () => {
  const f = await fixture();
  await reportingPlugin(f);
  const r = await install(
    ["--dev", "--no-bundle", "--entry", "src/plugin.ts", "--project", f.app],
    f.plugin,
    { HOME: f.home },
  );
  assertEquals(r.code, 0, r.stderr);
  const launcher = join(f.app, ".waypoint", "plugins", "waypoint-plugin-demo");
  assertEquals(
    await Deno.readTextFile(launcher),
    `#!/bin/sh
# waypoint-plugin-demo: development launcher written by \`install --dev\`.
# Runs the plugin from source, so edits apply on the next Waypoint run.
exec ${Deno.execPath()} run --no-prompt --quiet --v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30 --allow-env --allow-read "--allow-write=/tmp${TMP}" --allow-net --allow-run=go --config ${
      join(f.plugin, "deno.json")
    } ${join(f.plugin, "src", "plugin.ts")} "$@"
`,
  );
  assertEquals(
    r.stdout.split("\n")[1],
    `  a launcher: ${Deno.execPath()} run … ${join(f.plugin, "src", "plugin.ts")}`,
  );
  const ran = await runLauncher(launcher, f, ["a b", "c"]);
  assertEquals(ran.code, 0, ran.stderr);
  assertEquals(JSON.parse(ran.stdout).main, `file://${join(f.plugin, "src", "plugin.ts")}`);

  // --allow overrides deno.json; a deno.json-less project gets --no-config.
  await Deno.remove(join(f.plugin, "deno.json"));
  const r2 = await install(
    [
      "--dev",
      "--no-bundle",
      "--name",
      "demo",
      "--entry",
      "src/plugin.ts",
      "--project",
      f.app,
      "--allow",
      "all",
    ],
    f.plugin,
    { HOME: f.home },
  );
  assertEquals(r2.code, 0, r2.stderr);
  assertStringIncludes(
    await Deno.readTextFile(launcher),
    `run --no-prompt --quiet --v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30 --allow-all --no-config ${
      join(f.plugin, "src", "plugin.ts")
    } "$@"\n`,
  );
  await Deno.remove(f.root, { recursive: true });
});

Deno.test("--print-paths follows HOME and XDG_CONFIG_HOME as Waypoint does", async () => {
  const f = await fixture();
  const file = join(f.home, "cfg", "waypoint", "plugins", "waypoint-plugin-demo");
  await Deno.mkdir(join(f.home, "cfg", "waypoint", "plugins"), { recursive: true });
  await Deno.writeTextFile(file, "");
  await Deno.mkdir(join(f.home, ".config", "waypoint", "plugins"), { recursive: true });
  // adrg/xdg expands a leading ~ against HOME.
  const r = await install(["--print-paths", "--project", f.app], f.plugin, {
    HOME: f.home,
    XDG_CONFIG_HOME: "~/cfg",
  });
  assertEquals(r.code, 0, r.stderr);
  assertEquals(
    r.stdout.split("\n")[0],
    "Where Waypoint 0.11 looks for waypoint-plugin-demo, in order (the first found wins):",
  );
  assertEquals(searchRows(r.stdout).map((row) => row.slice(0, 3)), [
    ["1.", "no plugin", f.app],
    ["2.", "no folder", join(f.app, ".waypoint", "plugins")],
    ["3.", "found", join(f.home, "cfg", "waypoint", "plugins")],
    ["4.", "no plugin", join(f.home, ".config", "waypoint", "plugins")],
  ]);
  assert(searchRows(r.stdout)[2][3].endsWith("<- Waypoint runs this one"));
  assert(
    !await Deno.stat(join(f.app, ".waypoint")).catch(() => false),
    "--print-paths writes nothing",
  );

  // A relative XDG_CONFIG_HOME is ignored (adrg/xdg requires an absolute path).
  const rel = await install(["--print-paths", "--project", f.app], f.plugin, {
    HOME: f.home,
    XDG_CONFIG_HOME: "cfg",
  });
  assertEquals(searchRows(rel.stdout)[2][2], join(f.home, ".config", "waypoint", "plugins"));
  await Deno.remove(f.root, { recursive: true });
});

Deno.test("install: user mistakes exit 2 with the usage line; a missing binary exits 1 with the fix", async () => {
  const f = await fixture();
  const env = { HOME: f.home };
  const cases: [string[], string][] = [
    [
      ["--project", join(f.root, "nope")],
      `--project "${join(f.root, "nope")}" is not a folder: pass the Waypoint project's folder ` +
      `(the one with waypoint.hcl), or --global`,
    ],
    [
      ["--dev", "--entry", "missing.ts"],
      `--entry "missing.ts" was not found in ${f.plugin}: pass the plugin's main module, e.g. --entry main.ts`,
    ],
    [
      ["--dev", "--allow", "disk"],
      `--allow: unknown permission "disk": use env, read, write, net, run, sys, ffi, import, all, optionally scoped as name=value (e.g. net=127.0.0.1)`,
    ],
    [
      ["--name", "a/b"],
      `--name "a/b" is not a valid plugin name: use letters, digits, "-" and "_" (it is the label in \`use "<name>"\` and the file name waypoint-plugin-<name>); pass --name <name>`,
    ],
    [["--frobnicate"], 'Unknown option "--frobnicate"'],
  ];
  for (const [args, error] of cases) {
    const r = await install(args, f.plugin, env);
    assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assertEquals(
      r.stderr,
      `error: ${error}\n\nUsage: deno run -A jsr:@x/waypoint-plugin/install [options]\n` +
        "For all options, run it with --help\n",
    );
  }
  const noBinary = await install(["--project", f.app], f.plugin, env);
  assertEquals(noBinary.code, 1);
  const expected = join(f.plugin, "bin", host.goName, "waypoint-plugin-demo");
  assertEquals(
    noBinary.stderr,
    `error: No ${host.goName} binary at ${expected}: build it with \`compile --name demo --target ` +
      `${host.goName}\` (deno task compile), or install a launcher with --dev\n`,
  );
  await Deno.remove(f.root, { recursive: true });
});

Deno.test("search paths on macOS and Windows follow adrg/xdg v0.2.1 and go-homedir", () => {
  const env = (vars: Record<string, string>) => (k: string) => vars[k];
  const mac = waypointSearchPaths("/Users/ada/app", {
    os: "darwin",
    env: env({ HOME: "/Users/ada" }),
  });
  assertEquals(mac.map((p) => p.dir), [
    "/Users/ada/app",
    "/Users/ada/app/.waypoint/plugins",
    "/Users/ada/Library/Preferences/waypoint/plugins",
    "/Users/ada/.config/waypoint/plugins",
  ]);
  const winEnv = env({
    USERPROFILE: "C:\\Users\\ada",
    APPDATA: "C:\\Users\\ada\\AppData\\Roaming",
    LOCALAPPDATA: "C:\\Users\\ada\\AppData\\Local",
  });
  assertEquals(waypointSearchPaths("D:\\app", { os: "windows", env: winEnv }).map((p) => p.dir), [
    "D:\\app",
    "D:\\app\\.waypoint\\plugins",
    "C:\\Users\\ada\\AppData\\Local\\waypoint\\plugins",
    "C:\\Users\\ada\\.config\\waypoint\\plugins",
  ]);
  // go-homedir prefers %HOME% on Windows; adrg/xdg uses %USERPROFILE%; without
  // %LOCALAPPDATA%, adrg/xdg appends Local to %APPDATA% (as written in v0.2.1).
  const odd = { os: "windows", env: env({ HOME: "H:\\", USERPROFILE: "C:\\u", APPDATA: "C:\\r" }) };
  assertEquals(xdgConfigHome(odd), "C:\\r\\Local");
  assertEquals(userPluginDir(odd), "H:\\.config\\waypoint\\plugins");
  assertEquals(
    xdgConfigHome({ os: "linux", env: env({ HOME: "/h", XDG_CONFIG_HOME: "$HOME/x" }) }),
    "/h/x",
  );
  assertEquals(
    xdgConfigHome({ os: "darwin", env: env({ HOME: "/h", XDG_CONFIG_HOME: "/c" }) }),
    "/c",
  );
});

Deno.test("on Windows both names are written and PATHEXT shadows are removed", () => {
  assertEquals(installNames("demo", "linux", false), {
    write: ["waypoint-plugin-demo"],
    remove: [],
  });
  assertEquals(installNames("demo", "windows", false), {
    write: ["waypoint-plugin-demo", "waypoint-plugin-demo.exe"],
    remove: ["waypoint-plugin-demo.com", "waypoint-plugin-demo.bat", "waypoint-plugin-demo.cmd"],
  });
  assertEquals(installNames("demo", "windows", true), {
    write: ["waypoint-plugin-demo", "waypoint-plugin-demo.cmd"],
    remove: ["waypoint-plugin-demo.com", "waypoint-plugin-demo.exe", "waypoint-plugin-demo.bat"],
  });
  const o = {
    deno: "C:\\Program Files\\deno\\deno.exe",
    permissions: ["--allow-env", "--allow-net=127.0.0.1"],
    config: "C:\\p\\deno.json",
    entry: "C:\\p\\main.ts",
    name: "demo",
  };
  assertEquals(
    launcherCmd(o),
    "@echo off\r\nrem waypoint-plugin-demo: development launcher written by `install --dev`.\r\n" +
      `"C:\\Program Files\\deno\\deno.exe" run --no-prompt --quiet --v8-flags=--min-semi-space-size=8,--max-semi-space-size=8,--heap-growing-percent=30 ` +
      "--allow-env --allow-net=127.0.0.1 " +
      "--config C:\\p\\deno.json C:\\p\\main.ts %*\r\n",
  );
  assertStringIncludes(
    launcherScript({ ...o, deno: "/opt/my deno/deno", entry: "/p/it's.ts" }),
    `exec '/opt/my deno/deno' run`,
  );
  assertStringIncludes(
    launcherScript({ ...o, deno: "/d", entry: "/p/it's.ts" }),
    ` '/p/it'\\''s.ts' "$@"\n`,
  );
});
