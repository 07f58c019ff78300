/**
 * Properties-panel provider adding the group "Quy trình (qt)": the attributes of our moddle
 * extension (engine/bpmn/qt.json) on processes, activities, lanes and clock-stopping events.
 * Components are written with preact's `h` (the panel's own preact copy) so no JSX build is needed.
 */
import { CheckboxEntry, SelectEntry, TextFieldEntry, isCheckboxEntryEdited, isSelectEntryEdited, isTextFieldEntryEdited } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { NORM_UNIT_LABELS } from '../labels.ts';

interface ModdleObject {
  $instanceOf(type: string): boolean;
  get(name: string): unknown;
  processRef?: ModdleObject;
}
interface PanelElement { readonly id: string; readonly businessObject: ModdleObject }
interface Modeling { updateModdleProperties(element: PanelElement, target: ModdleObject, properties: Record<string, unknown>): void }
interface Group { id: string; label: string; entries: Entry[] }
interface Entry { id: string; component: (props: { element: PanelElement; id: string }) => unknown; isEdited: (node: unknown) => boolean }

type FieldKind = 'text' | 'number' | 'time' | 'checkbox' | { readonly options: Readonly<Record<string, string>> };

interface Field {
  /** Attribute name without the `qt:` prefix. */
  readonly name: string;
  readonly label: string;
  readonly kind: FieldKind;
  readonly description?: string;
}

const STEP_FIELDS: readonly Field[] = [
  { name: 'norm', label: 'Định mức thời gian', kind: 'number', description: 'Số lượng theo đơn vị bên dưới, ví dụ 8' },
  { name: 'normUnit', label: 'Đơn vị định mức', kind: { options: NORM_UNIT_LABELS } },
  { name: 'role', label: 'Vai trò xử lý', kind: 'text', description: 'Mặc định: vai trò của làn (lane)' },
  { name: 'unit', label: 'Đơn vị xử lý', kind: 'text', description: 'Mặc định: đơn vị của làn (lane)' },
  { name: 'outcomes', label: 'Kết quả được chọn', kind: 'text', description: 'Cách nhau bởi dấu phẩy, ví dụ approve,return' },
  { name: 'outsideClock', label: 'Không tính vào thời hạn giải quyết', kind: 'checkbox' },
];
const HANDLER_FIELD: Field = { name: 'handler', label: 'Bộ xử lý (máy chủ)', kind: 'text', description: 'Tên bộ xử lý đã đăng ký trên máy chủ' };
const PROCESS_FIELDS: readonly Field[] = [
  { name: 'procedureCode', label: 'Mã thủ tục', kind: 'text' },
  { name: 'deadline', label: 'Thời hạn giải quyết', kind: 'number' },
  { name: 'deadlineUnit', label: 'Đơn vị thời hạn', kind: { options: NORM_UNIT_LABELS } },
  { name: 'cutoffDesk', label: 'Giờ chốt nhận tại quầy', kind: 'time', description: 'HH:MM, mặc định 15:00' },
  { name: 'cutoffOnline', label: 'Giờ chốt nhận trực tuyến', kind: 'time' },
  { name: 'cutoffPost', label: 'Giờ chốt nhận qua bưu chính', kind: 'time' },
  { name: 'supplementMode', label: 'Khi bổ sung hồ sơ', kind: { options: { restart: 'Tính lại thời hạn từ đầu (mặc định)', pause: 'Tạm dừng rồi tính tiếp' } } },
  { name: 'calendar', label: 'Lịch làm việc', kind: 'text' },
  { name: 'source', label: 'Văn bản ban hành', kind: 'text', description: 'Ví dụ 2022/QĐ-UBND' },
];
const LANE_FIELDS: readonly Field[] = [
  { name: 'role', label: 'Vai trò', kind: 'text' },
  { name: 'unit', label: 'Đơn vị', kind: 'text' },
];
const CLOCK_FIELD: Field = { name: 'stopsClock', label: 'Dừng tính thời hạn khi chờ (bổ sung hồ sơ)', kind: 'checkbox' };

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

const self = (element: PanelElement): ModdleObject => element.businessObject;

/** The group for the selected element, or undefined when the qt extension has nothing for it. */
export function qtGroup(element: PanelElement): Group | undefined {
  const bo = element.businessObject;
  const entries: Entry[] = [];
  if (bo.$instanceOf('bpmn:Process')) {
    entries.push(...PROCESS_FIELDS.map((f) => fieldEntry(f, self)));
  } else if (bo.$instanceOf('bpmn:Participant') && bo.processRef) {
    const processOf = (e: PanelElement): ModdleObject => e.businessObject.processRef ?? e.businessObject;
    entries.push(...PROCESS_FIELDS.map((f) => fieldEntry(f, processOf)));
  } else if (bo.$instanceOf('bpmn:Lane')) {
    entries.push(...LANE_FIELDS.map((f) => fieldEntry(f, self)));
  }
  if (bo.$instanceOf('bpmn:Activity')) {
    entries.push(...STEP_FIELDS.map((f) => fieldEntry(f, self)));
    if (['bpmn:ServiceTask', 'bpmn:ScriptTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'].some((t) => bo.$instanceOf(t))) entries.push(fieldEntry(HANDLER_FIELD, self));
  }
  if (bo.$instanceOf('bpmn:IntermediateCatchEvent') || bo.$instanceOf('bpmn:ReceiveTask')) entries.push(fieldEntry(CLOCK_FIELD, self));
  return entries.length > 0 ? { id: 'qt', label: 'Quy trình (qt)', entries } : undefined;
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
