/**
 * bpmn-moddle ships typings for its element types only (`bpmn-moddle/types`), not for its
 * entry point; this declares the small part of the entry the parser uses.
 */
declare module 'bpmn-moddle' {
  /** A parsed element: `$type` is the qualified type name, other properties per the descriptors. */
  export interface ModdleObject {
    readonly $type: string;
    readonly $attrs?: Record<string, string>;
    readonly [property: string]: unknown;
    /** Reads a property by its (optionally prefixed) name, e.g. `get('qt:norm')`. */
    get(name: string): unknown;
  }

  export interface ModdleWarning {
    readonly message: string;
    readonly element?: ModdleObject;
    readonly property?: string;
    readonly value?: unknown;
    readonly error?: Error;
  }

  export interface FromXmlResult {
    readonly rootElement: ModdleObject;
    readonly warnings: readonly ModdleWarning[];
    readonly elementsById: Record<string, ModdleObject>;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<FromXmlResult>;
  }
}
