/**
 * The formatter of `.pattern` files (`cep fmt`): {@link formatSource} for a whole
 * source, {@link formatRange} for the blocks a range touches.
 */
export {
  DEFAULT_WIDTH,
  type FormatOptions,
  type FormatResult,
  formatRange,
  formatSource,
  type RangeFormatResult,
} from "./format.js";
