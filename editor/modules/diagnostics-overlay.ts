/**
 * Draws engine diagnostics on the diagram: a marker on each element a diagnostic names and a
 * badge overlay with its code and message, so the designer sees where the problem is.
 */
import type { Diagnostic } from '../../engine/index.ts';
import type { Canvas, ElementRegistry, Overlays } from '../bpmn.ts';
import { diagnosticTitle } from '../diagnostic-titles.ts';
import { el } from '../dom.ts';

const OVERLAY_TYPE = 'qt-diagnostic';
const MARKERS = ['qt-diag-error', 'qt-diag-warning'] as const;

interface DiagramServices { get<T>(name: string): T }

/**
 * Replaces the overlays with the given diagnostics. Returns the diagnostics that name no element
 * on the canvas (process-level findings), which the caller lists elsewhere.
 */
export function drawDiagnostics(diagram: DiagramServices, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const overlays = diagram.get<Overlays>('overlays');
  const canvas = diagram.get<Canvas>('canvas');
  const registry = diagram.get<ElementRegistry>('elementRegistry');
  overlays.remove({ type: OVERLAY_TYPE });
  for (const element of registry.getAll()) for (const marker of MARKERS) canvas.removeMarker(element.id, marker);

  const byElement = new Map<string, Diagnostic[]>();
  const unplaced: Diagnostic[] = [];
  for (const d of diagnostics) {
    if (d.elementId && registry.get(d.elementId)) byElement.set(d.elementId, [...(byElement.get(d.elementId) ?? []), d]);
    else unplaced.push(d);
  }
  for (const [elementId, list] of byElement) {
    const worst = list.some((d) => d.severity === 'error') ? 'error' : 'warning';
    canvas.addMarker(elementId, `qt-diag-${worst}`);
    const badge = el('div', { class: `qt-diag-badge qt-diag-badge-${worst}`, 'data-element-id': elementId, title: list.map((d) => `${d.code}${diagnosticTitle(d.code) ? ` — ${diagnosticTitle(d.code)}` : ''}: ${d.message}`).join('\n') },
      el('strong', {}, worst === 'error' ? '⛔' : '⚠', ' ', list[0]!.code),
      list.length > 1 ? ` +${list.length - 1}` : '',
      el('span', { class: 'qt-diag-text' }, `${elementId}: ${diagnosticTitle(list[0]!.code) ?? list[0]!.message}`));
    overlays.add(elementId, OVERLAY_TYPE, { position: { top: -28, left: 0 }, html: badge });
  }
  return unplaced;
}
