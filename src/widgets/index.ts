/**
 * Notebook widgets: ipywidgets 8 controls served by the lowrank-lab kernel, `interact`,
 * progress bars, and `explore` (sliders over a precomputed sweep, pure client-side HTML).
 */
export { Widget } from "./widget.js";
export type { Change } from "./widget.js";
export { DOMWidget, ValueWidget } from "./domWidget.js";
export type { DOMWidgetOptions } from "./domWidget.js";
export { Layout, Style } from "./layout.js";
export type { LayoutOptions, StyleOptions } from "./layout.js";
export { Slider, slider } from "./slider.js";
export type { SliderOptions } from "./slider.js";
export { Dropdown, dropdown } from "./dropdown.js";
export type { DropdownOptions, DropdownChoices } from "./dropdown.js";
export { Checkbox, checkbox } from "./checkbox.js";
export type { CheckboxOptions } from "./checkbox.js";
export { Button, button } from "./button.js";
export type { ButtonOptions } from "./button.js";
export { Output, output } from "./output.js";
export type { OutputOptions } from "./output.js";
export { Box, hbox, vbox } from "./box.js";
export type { BoxOptions } from "./box.js";
export { toBundle, toOutputs } from "./toOutput.js";
export { interact, Interactive, fixed, Fixed, maybeControl } from "./interact.js";
export type { ControlSpec, InteractOptions, ValueOf, Values } from "./interact.js";
export { progress, progressFn, ProgressBar, progressText, formatDuration } from "./progress.js";
export type { ProgressOptions, ProgressState } from "./progress.js";
export { explore, Explore } from "./explore.js";
export type { ExploreOptions } from "./explore.js";
export { exploreFigures, ExploreFigures } from "./exploreFigures.js";
export type { FigurePoint } from "./exploreFigures.js";
