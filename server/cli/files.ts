import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every `*.bpmn` file under a folder (recursively), sorted; none when the folder is missing. */
export function bpmnFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return bpmnFiles(path);
    return name.endsWith('.bpmn') ? [path] : [];
  });
}
