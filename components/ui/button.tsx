/**
 * The app's button looks, in one place: `primary` for the action a screen is for, `approve` for a
 * decision that grants something, `secondary` for the outlined alternative beside them. Buttons
 * keep the native <button> (forms, refs, aria) and take their look from here.
 */
const TONES = {
  primary: "bg-brand-600 text-white hover:bg-brand-700",
  approve: "bg-emerald-600 text-white hover:bg-emerald-700",
  secondary: "border border-slate-300 bg-white text-slate-700 hover:bg-slate-50",
} as const;

const SIZES = {
  md: "rounded-md px-3 py-1.5 text-sm",
  sm: "rounded px-3 py-1.5 text-xs",
} as const;

export type ButtonTone = keyof typeof TONES;
export type ButtonSize = keyof typeof SIZES;

/** Class names for a button of this tone and size (disabled buttons fade). */
export function buttonClass(tone: ButtonTone = "primary", size: ButtonSize = "md"): string {
  return `${SIZES[size]} font-medium ${TONES[tone]} disabled:opacity-50`;
}
