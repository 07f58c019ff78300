/**
 * Vietnamese for the bpmn-js and properties-panel labels users meet most; anything not listed
 * stays in English rather than being guessed. Replaces diagram-js' `translate` service.
 */
const VI: Readonly<Record<string, string>> = {
  General: 'Chung',
  Name: 'Tên',
  ID: 'Mã (ID)',
  Documentation: 'Mô tả',
  'Element documentation': 'Mô tả phần tử',
  'Process documentation': 'Mô tả quy trình',
  'Version tag': 'Nhãn phiên bản',
  Executable: 'Có thể chạy',
  Condition: 'Điều kiện',
  'Condition expression': 'Biểu thức điều kiện',
  Timer: 'Hẹn giờ',
  Message: 'Thông điệp',
  'Global message reference': 'Thông điệp dùng chung',
  'Multi-instance': 'Nhiều thực thể',
  'Activate hand tool': 'Công cụ kéo',
  'Activate lasso tool': 'Chọn vùng',
  'Activate create/remove space tool': 'Thêm/bớt khoảng trống',
  'Activate global connect tool': 'Nối phần tử',
  'Create start event': 'Thêm sự kiện bắt đầu',
  'Create intermediate/boundary event': 'Thêm sự kiện trung gian',
  'Create end event': 'Thêm sự kiện kết thúc',
  'Create gateway': 'Thêm cổng rẽ nhánh',
  'Create task': 'Thêm bước xử lý',
  'Create expanded sub-process': 'Thêm quy trình con',
  'Create data object reference': 'Thêm đối tượng dữ liệu',
  'Create data store reference': 'Thêm kho dữ liệu',
  'Create pool/participant': 'Thêm bể (đơn vị tham gia)',
  'Create group': 'Thêm nhóm',
  Delete: 'Xóa',
  'Change element': 'Đổi loại phần tử',
  'Connect to other element': 'Nối tới phần tử khác',
  'Append task': 'Nối thêm bước xử lý',
  'Append end event': 'Nối thêm sự kiện kết thúc',
  'Append gateway': 'Nối thêm cổng rẽ nhánh',
  'Append intermediate/boundary event': 'Nối thêm sự kiện trung gian',
  'Add text annotation': 'Thêm ghi chú',
};

/** diagram-js translate signature: `{name}` placeholders filled from `replacements`. */
export function translate(template: string, replacements: Readonly<Record<string, string>> = {}): string {
  return (VI[template] ?? template).replace(/{([^}]+)}/g, (_, key: string) => replacements[key] ?? `{${key}}`);
}

/** bpmn-js module overriding the default `translate` service. */
export const translateModule = { translate: ['value', translate] };
