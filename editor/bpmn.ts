/**
 * bpmn-js constructors with the `qt` moddle extension registered, so viewers and the modeler read
 * and write the same attributes the engine reads (engine/bpmn/qt.json).
 */
import ModelerModule from 'bpmn-js/lib/Modeler.js';
import NavigatedViewerModule from 'bpmn-js/lib/NavigatedViewer.js';
import { qtModdleDescriptor } from '../engine/index.ts';

// bpmn-js ships ES modules without "type": "module", so TypeScript types the default import as the
// CommonJS namespace while esbuild (which bundles this file) hands over the class itself.
type ModelerClass = typeof ModelerModule.default;
type NavigatedViewerClass = typeof NavigatedViewerModule.default;
export const Modeler = ModelerModule as unknown as ModelerClass;
export const NavigatedViewer = NavigatedViewerModule as unknown as NavigatedViewerClass;
export type Modeler = InstanceType<ModelerClass>;
export type NavigatedViewer = InstanceType<NavigatedViewerClass>;

/** Pass as `moddleExtensions` to every bpmn-js instance. */
export const MODDLE_EXTENSIONS = { qt: qtModdleDescriptor };

/** The subset of diagram-js services the pages use, typed loosely by name. */
export interface Canvas {
  addMarker(elementId: string, marker: string): void;
  removeMarker(elementId: string, marker: string): void;
  zoom(level: 'fit-viewport' | number, center?: 'auto'): number;
}
export interface Overlays {
  add(elementId: string, type: string, overlay: { position: { top?: number; left?: number; right?: number; bottom?: number }; html: HTMLElement | string }): string;
  remove(filter: { type?: string; element?: string }): void;
}
export interface BpmnElement {
  readonly id: string;
  readonly type: string;
  readonly businessObject: Record<string, unknown> & { $instanceOf(type: string): boolean; name?: string };
}
export interface ElementRegistry {
  get(id: string): BpmnElement | undefined;
  getAll(): BpmnElement[];
}
