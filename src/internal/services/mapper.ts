/** `hashicorp.waypoint.sdk.Mapper`: the plugin's converters, advertised and run. */
import type { Mapper } from "../../components/mapper.ts";
import { Code, PluginError } from "../../errors.ts";
import type { FuncSpec, Map_Request } from "../../gen/wire.ts";
import { type Handlers, unary } from "../grpc.ts";
import { argsByType } from "../operation.ts";
import { encodeResult } from "../result.ts";

/** ListMappers (each mapper's FuncSpec with its result type) and Map. */
export function mapperHandlers(mappers: readonly Mapper[]): Handlers {
  const specs: FuncSpec[] = mappers.map((m) => ({
    name: `${m.definition.input.typeName}->${m.definition.output.typeName}`,
    args: [{ name: "", type: m.definition.input.typeName, primitiveType: 0 }],
    // The host reads result[0] without checking: always one entry.
    result: [{ name: "", type: m.definition.output.typeName, primitiveType: 0 }],
  }));
  return {
    ListMappers: unary(() => ({ funcs: specs })),
    Map: unary(async (req) => {
      const { args, result } = req as Map_Request;
      const given = argsByType(args ?? { args: [] });
      const m = mappers.find((m) =>
        m.definition.output.typeName === result && given.has(m.definition.input.typeName)
      );
      if (!m) {
        throw new PluginError(`output type is not known: ${result}`, Code.FAILED_PRECONDITION);
      }
      const input = m.definition.input.decode(given.get(m.definition.input.typeName)!.value);
      const out = await m.definition.map(input);
      return { result: encodeResult(out, m.definition.output, "map").result };
    }),
  };
}
