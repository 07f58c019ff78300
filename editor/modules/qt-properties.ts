/**
 * Properties-panel provider adding the group "Quy trình (qt)": the attributes of our moddle
 * extension (engine/bpmn/qt.json) on processes, activities, lanes and clock-stopping events.
 * Components are written with preact's `h` (the panel's own preact copy) so no JSX build is needed.
 */
import { CheckboxEntry, SelectEntry, TextFieldEntry, isCheckboxEntryEdited, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { qtFieldsFor, type Field, type FieldKind } from './qt-fields.ts';

interface ModdleObject {
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  processRef?: ModdleObject;
}
interface PanelElement { readonly id: string; readonly businessObject: ModdleObject }
interface Modeling { updateModdleProperties(element: PanelElement, target: ModdleObject, properties: Record<string, unknown>): void }
interface Group { id: string; label: string; entries: Entry[] }
interface Entry { id: string; component: (props: { element: PanelElement; id: string }) => unknown; isEdited: (node: unknown) => boolean }

function fieldEntry(field: Field, target: (element: PanelElement) => ModdleObject): Entry {
  const attribute = `qt:${field.name}`;
  const id = `qt-${field.name}`;
  function Component({ element }: { element: PanelElement; id: string }): unknown {
    const modeling = useService<Modeling>('modeling');
    const debounce = useService<(fn: (...args: unknown[]) => void) => (...args: unknown[]) => void>('debounceInput');
    const bo = target(element);
    const raw = bo.get(attribute);
    const setValue = (value: unknown): void => {
      modeling.updateModdleProperties(element, bo, { [attribute]: toModdle(field.kind, value) });
    };
    const common = { id, element, label: field.label, description: field.description, setValue };
    if (field.kind === 'checkbox') return h(CheckboxEntry, { ...common, getValue: () => raw === true });
    if (typeof field.kind === 'object') {
      const options = [{ value: '', label: '—' }, ...Object.entries(field.kind.options).map(([value, label]) => ({ value, label }))];
      return h(SelectEntry, { ...common, getValue: () => (raw as string | undefined) ?? '', getOptions: () => options });
    }
    return h(TextFieldEntry, { ...common, debounce, getValue: () => (raw === undefined ? '' : String(raw)), validate: validator(field.kind) });
  }
  const isEdited = field.kind === 'checkbox' ? isCheckboxEntryEdited : typeof field.kind === 'object' ? isSelectEntryEdited : isTextFieldEntryEdited;
  return { id, component: Component, isEdited };
}

function validator(kind: 'text' | 'number' | 'time'): ((value: string) => string | null) | undefined {
  if (kind === 'number') return (value) => (value === '' || (Number.isFinite(Number(value)) && Number(value) >= 0) ? null : 'Nhập một số không âm');
  if (kind === 'time') return (value) => (value === '' || /^([01]\d|2[0-3]):[0-5]\d$/.test(value) ? null : 'Nhập giờ dạng HH:MM');
  return undefined;
}

/** Empty inputs remove the attribute rather than writing an empty string into the XML. */
function toModdle(kind: FieldKind, value: unknown): unknown {
  if (kind === 'checkbox') return value ? true : undefined;
  if (value === '' || value === undefined || value === null) return undefined;
  if (kind === 'number') return Number(value);
  return value;
}

/** The group for the selected element, or undefined when the qt extension has nothing for it. */
export function qtGroup(element: PanelElement): Group | undefined {
  const fields = qtFieldsFor(element.businessObject);
  if (fields.length === 0) return undefined;
  return { id: 'qt', label: 'Quy trình (qt)', entries: fields.map(({ field, onProcess }) => fieldEntry(field, onProcess ? (e) => e.businessObject.processRef ?? e.businessObject : (e) => e.businessObject)) };
}

const LOW_PRIORITY = 500;

function QtPropertiesProvider(propertiesPanel: { registerProvider(priority: number, provider: unknown): void }): void {
  propertiesPanel.registerProvider(LOW_PRIORITY, {
    getGroups(element: PanelElement) {
      return (groups: Group[]): Group[] => {
        const group = qtGroup(element);
        if (!group) return groups;
        // Right after "Chung" (general) so the norm is visible without scrolling.
        const general = groups.findIndex((g) => g.id === 'general');
        groups.splice(general + 1, 0, group);
        return groups;
      };
    },
  });
}
QtPropertiesProvider.$inject = ['propertiesPanel'];

/** bpmn-js module: add to `additionalModules` beside the properties-panel modules. */
export const qtPropertiesModule = {
  __init__: ['qtPropertiesProvider'],
  qtPropertiesProvider: ['type', QtPropertiesProvider],
};
