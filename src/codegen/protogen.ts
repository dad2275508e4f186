/**
 * `.proto` → TypeScript, without protoc: protobufjs parses the files, this
 * module turns them into a {@linkcode ProtoModel} (proto3 only: no groups,
 * no required fields, no proto2 defaults), and `print.ts` writes one
 * interface and one `messageType()` per message, with its encoder and
 * decoder written out ahead of time.
 *
 * @module
 */
import protobuf from "protobufjs";
import type { ModelField, ProtoModel } from "./model.ts";
import { printProtoModule } from "./print.ts";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { existsSync } from "node:fs";
import { SCALAR_KINDS } from "../proto/wire_io.ts";

/** Options for {@linkcode generateProtoModule}. */
export interface ProtoGenOptions {
  /** Folders searched for `import "…"` paths, after the importing file's own folder. Default: none. */
  includeDirs?: string[];
  /** Module specifier the generated code imports `messageType` from. Default: `"@x/waypoint-plugin"`. */
  runtimeImport?: string;
  /** Path shown in the generated banner for each input. Default: the file name. */
  displayPath?: (file: string) => string;
}

/** A root holding `files` (absolute), resolved; imports are searched beside the importer, then in `includeDirs`. */
function loadRoot(files: string[], includeDirs: string[]): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (origin: string, target: string): string => {
    if (isAbsolute(target)) return target;
    if (target.startsWith("google/protobuf/")) return target;
    const candidates = [
      origin ? join(dirname(origin), target) : target,
      ...includeDirs.map((d) => join(d, target)),
    ];
    return candidates.find((c) => existsSync(c)) ?? candidates[0];
  };
  for (const file of files) {
    if (!existsSync(file)) {
      throw new Error(`Cannot read "${file}": no such file`);
    }
  }
  root.loadSync(files, { keepCase: true });
  root.resolveAll();
  return root;
}

function where(f: protobuf.Field): string {
  return `field "${f.name}" of ${f.parent?.fullName.slice(1)}`;
}

function fieldModel(f: protobuf.Field): ModelField {
  const rt = f.resolvedType;
  if (f.delimited) {
    throw new Error(`${where(f)} is a group: groups are not supported, use a message`);
  }
  if (f.required) {
    throw new Error(`${where(f)} is required: proto2 required fields are not supported`);
  }
  if (f.options?.default !== undefined) {
    throw new Error(`${where(f)} has a [default]: proto2 defaults are not supported`);
  }
  if (f.name === "__proto__") {
    throw new Error(`${where(f)}: a field cannot be called __proto__ in JavaScript; rename it`);
  }
  const kind = rt instanceof protobuf.Type
    ? 11
    : rt instanceof protobuf.Enum
    ? 14
    : SCALAR_KINDS[f.type];
  if (kind === undefined) throw new Error(`${where(f)} has the unknown type "${f.type}"`);
  const map = f instanceof protobuf.MapField ? f : undefined;
  return {
    name: f.name,
    no: f.id,
    kind,
    ...(rt ? { ref: rt.fullName.slice(1) } : {}),
    ...(f.repeated && !map ? { repeated: true } : {}),
    ...(map ? { mapKey: SCALAR_KINDS[map.keyType] } : {}),
    ...(f.hasPresence && !(rt instanceof protobuf.Type) ? { presence: true } : {}),
  };
}

/** The model of every message, enum and service `root` holds. */
function modelOf(root: protobuf.Root, inputs: string): ProtoModel {
  const types: protobuf.Type[] = [];
  const enums: protobuf.Enum[] = [];
  collect(root, types, enums);
  return {
    inputs,
    messages: types.map((t) => ({
      full: t.fullName.slice(1),
      pkg: packageOf(t),
      fields: t.fieldsArray.map((f) => fieldModel(f.resolve())),
    })),
    enums: enums.map((e) => ({
      full: e.fullName.slice(1),
      pkg: packageOf(e),
      values: Object.entries(e.values),
    })),
    services: collectServices(root).map((svc) => ({
      full: svc.fullName.slice(1),
      methods: svc.methodsArray.map((m) => {
        m.resolve();
        return [
          m.name,
          m.resolvedRequestType!.fullName.slice(1),
          m.resolvedResponseType!.fullName.slice(1),
          !!m.requestStream,
          !!m.responseStream,
        ] as const;
      }),
    })),
  };
}

/** Parses `files` and returns the source of a TypeScript module describing every message in them. */
export function generateProtoModule(
  files: string[],
  options: ProtoGenOptions = {},
): string {
  const absolute = files.map((f) => resolve(f));
  const root = loadRoot(absolute, (options.includeDirs ?? []).map((d) => resolve(d)));
  const display = options.displayPath ?? ((f: string) => basename(f));
  return printProtoModule(modelOf(root, absolute.map(display).join(", ")), {
    runtimeImport: options.runtimeImport,
  });
}

function collect(
  ns: protobuf.NamespaceBase,
  types: protobuf.Type[],
  enums: protobuf.Enum[],
): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) types.push(child);
    else if (child instanceof protobuf.Enum) enums.push(child);
    if (child instanceof protobuf.Namespace) collect(child, types, enums);
  }
}

function collectServices(
  ns: protobuf.NamespaceBase,
  out: protobuf.Service[] = [],
): protobuf.Service[] {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Service) out.push(child);
    else if (child instanceof protobuf.Namespace) collectServices(child, out);
  }
  return out;
}

function packageOf(obj: protobuf.ReflectionObject): string {
  const parts: string[] = [];
  let p = obj.parent;
  while (p && !(p instanceof protobuf.Root)) {
    if (!(p instanceof protobuf.Type)) parts.unshift(p.name);
    p = p.parent;
  }
  return parts.join(".");
}
