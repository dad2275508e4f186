/**
 * The per-process state of one component: its decoded config, and the
 * config-related RPCs every component service shares (ConfigStruct,
 * Configure, Documentation).
 */
import type { ComponentDocs } from "../components/component.ts";
import type { Mapper } from "../components/mapper.ts";
import type { Schema } from "../config/schema.ts";
import { Code, PluginError } from "../errors.ts";
import type {
  Config_ConfigureRequest,
  Config_Documentation,
  Config_StructResp,
} from "../gen/wire.ts";
import type { Logger } from "../logger.ts";
import { decodeConfig } from "../config/decode.ts";
import { fieldDocs } from "../config/docs.ts";
import { toProtostructure } from "./config_wire.ts";
import type { MessageType } from "../proto/runtime.ts";
import { templateFieldDocs, type TemplateShaper } from "./template_data.ts";
import type { Secrets } from "./secrets.ts";

/** A component definition as the runtime sees it. */
export interface ComponentDefinition {
  config?: Schema;
  configSet?(config: unknown, ctx: { logger: Logger }): void | Promise<void>;
  docs?: ComponentDocs;
  output?: MessageType<object>;
  input?: MessageType<object> | string;
  templateData?: TemplateShaper;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function inputName(input: MessageType<object> | string | undefined): string {
  return input === undefined ? "" : typeof input === "string" ? input : input.typeName;
}

/** What a {@linkcode ComponentRuntime} is made from. */
export interface RuntimeOptions {
  /** The dispense name, as Configure's errors name the component: `releasemanager`. */
  kind: string;
  /** What the author defined. */
  definition: ComponentDefinition;
  /** The server's logger. */
  logger: Logger;
  /** The plugin's name, for messages. */
  pluginName: string;
  /** The plugin's mappers, documented with every component. */
  mappers?: Mapper[];
  /** The server's secrets: Configure adds the sensitive values it gets. */
  secrets: Secrets;
}

/** Config state and config RPCs of one component of a server. */
export class ComponentRuntime {
  readonly kind: string;
  readonly definition: ComponentDefinition;
  readonly logger: Logger;
  /** The plugin's name, for messages. */
  readonly pluginName: string;
  /** The current config: defaults until `Configure` runs. */
  config: unknown;

  /** The plugin's mappers, documented with every component. */
  readonly mappers: Mapper[];

  readonly secrets: Secrets;

  constructor(options: RuntimeOptions) {
    const { definition } = options;
    this.kind = options.kind;
    this.mappers = options.mappers ?? [];
    this.definition = definition;
    this.logger = options.logger;
    this.pluginName = options.pluginName;
    this.secrets = options.secrets;
    try {
      this.config = definition.config ? decodeConfig(definition.config.shape, {}) : {};
    } catch {
      this.config = {}; // Required fields: Waypoint always configures before calling operations.
    }
  }

  /**
   * `ConfigStruct`: the Go struct the host decodes the `use` block into. A
   * component without a config gets a struct with no fields, as a Go
   * component whose config struct is empty: the host then rejects any
   * attribute in its `use` block ("Unsupported argument") instead of
   * ignoring it, and calls Configure.
   */
  configStruct(): Config_StructResp {
    const schema = this.definition.config;
    return { struct: schema ? toProtostructure(schema.shape) : { fields: [] } };
  }

  /** `Configure`: decodes and validates the host's JSON, then runs `configSet`. */
  async configure(req: Config_ConfigureRequest): Promise<void> {
    const schema = this.definition.config;
    const where = `Cannot configure ${this.kind} "${this.pluginName}"`;
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(req.json ?? new Uint8Array()));
    } catch (err) {
      throw new PluginError(
        `${where}: the host sent config that is not JSON (${(err as Error).message})`,
        Code.INVALID_ARGUMENT,
      );
    }
    // Known before decoding, so no error or log line from here on can show them.
    if (schema) this.secrets.remember(schema.shape, json);
    let config: unknown;
    try {
      if (schema) config = decodeConfig(schema.shape, json);
      else if (json === null || (typeof json === "object" && !Array.isArray(json))) config = {};
      else {
        // What Go's json.Unmarshal into an empty struct refuses too.
        throw new TypeError(
          `the component takes no config, and the host sent ${JSON.stringify(json)}`,
        );
      }
      await this.definition.configSet?.(config, { logger: this.logger });
    } catch (err) {
      const e = PluginError.from(err);
      const code = e.code === Code.UNKNOWN ? Code.INVALID_ARGUMENT : e.code;
      throw new PluginError(`${where}: ${e.message}`, code, { cause: err });
    }
    this.config = config;
  }

  /** `Documentation`: from the schema and the docs the author gave. */
  documentation(): Config_Documentation {
    const d = this.definition.docs ?? {};
    return {
      description: d.description ?? "",
      // Waypoint has one example field; Go's doc.Example keeps only the last call's.
      example: [d.example ?? "", ...(d.examples ?? [])]
        .map((e) => e.replace(/^(?:[ \t]*\n)+/, "").trimEnd()).filter(Boolean).join("\n\n"),
      input: d.input ?? inputName(this.definition.input),
      output: d.output ?? this.definition.output?.typeName ?? "",
      fields: this.definition.config ? fieldDocs(this.definition.config.shape) : {},
      mappers: this.mappers.map((m) => ({
        input: m.definition.input.typeName,
        output: m.definition.output.typeName,
        description: m.definition.description ?? "",
      })),
      templateFields: templateFieldDocs(
        this.definition.output,
        this.definition.templateData,
        d.templateFields,
        this.logger,
      ),
      requestFields: {},
    };
  }
}
