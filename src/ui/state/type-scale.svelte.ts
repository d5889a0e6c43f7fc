// How much larger presentation mode's type is than the 22 px its pixel measures were drawn for: the
// root size follows the window's width there (global.css), so a 1920-pixel projector shows the
// 1280-pixel layout scaled up, not the same layout with empty margins. Canvas charts read it, since
// their fonts and heights are pixels, not rem. 1 outside presentation mode.

export const PRESENTATION_BASE_PX = 22; // the root size at 1280 px (global.css)

export const typeScale = $state({ factor: 1 });

/** Reads the root size again (after a resize or a change of mode); steps of 0.05, so charts redraw rarely. */
export function measureTypeScale(presentation: boolean): void {
  const px = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const factor = presentation && px > 0 ? Math.round((px / PRESENTATION_BASE_PX) * 20) / 20 : 1;
  if (factor !== typeScale.factor) typeScale.factor = factor;
}
