/**
 * Minimal typings for the bpmn-io packages that ship none. Only what the editor calls is typed;
 * the shapes follow the packages' own JSDoc (bpmn-js-properties-panel 5, @bpmn-io/properties-panel 3).
 */
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: import('didi').ModuleDeclaration;
  export const BpmnPropertiesProviderModule: import('didi').ModuleDeclaration;
  /** Reads a diagram-js service inside a properties-panel component. */
  export function useService<T = any>(name: string): T;
}

declare module '@bpmn-io/properties-panel' {
  export interface EntryProps {
    id: string;
    element: unknown;
    label: string;
    description?: string;
    getValue: (element: unknown) => any;
    setValue: (value: any) => void;
    debounce?: (fn: (...args: any[]) => void) => (...args: any[]) => void;
    validate?: (value: any) => string | null | undefined;
    getOptions?: (element: unknown) => { value: string; label: string }[];
    tooltip?: string;
  }
  export function TextFieldEntry(props: EntryProps): unknown;
  export function SelectEntry(props: EntryProps): unknown;
  export function CheckboxEntry(props: EntryProps): unknown;
  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function isSelectEntryEdited(node: unknown): boolean;
  export function isCheckboxEntryEdited(node: unknown): boolean;
}

declare module '@bpmn-io/properties-panel/preact' {
  /** Preact's hyperscript; the panel renders what it returns. */
  export function h(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
