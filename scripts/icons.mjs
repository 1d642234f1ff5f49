// Renders assets/icon.svg (the app's mark, the only source) to the PNGs electron-builder packs:
// assets/icons/NxN.png for Linux (one per size, the name carries the size), assets/icon.png
// (1024, full bleed) from which it makes the Windows .ico, and assets/icon-mac.png (1024 with
// the mark at 824 in the middle: macOS's icon grid leaves that margin, so a full-bleed mark
// would look too big in the Dock) from which it makes the .icns. Run it after changing the SVG:
// `node scripts/icons.mjs`. Each size is drawn from the vector by Debian's Chromium, on a
// transparent background, at exactly N×N pixels (not scaled down from a bigger bitmap).
import { chromium } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ASSETS = join(ROOT, 'assets');
const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const LARGEST = Math.max(...ICON_SIZES);
const MAC_MARK = 824;

const svg = readFileSync(join(ASSETS, 'icon.svg'));
const src = `data:image/svg+xml;base64,${svg.toString('base64')}`;

/** The PNG's own width and height (IHDR), to refuse a screenshot of the wrong size. */
function pngSize(png) {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: LARGEST, height: LARGEST }, deviceScaleFactor: 1 });
  await page.setContent(
    '<!doctype html><html><body style="margin:0;background:transparent">' +
      `<img id="mark" style="display:block" src="${src}"></body></html>`,
  );
  const mark = page.locator('#mark');
  await mark.evaluate((img) => img.decode());
  /** The mark drawn n×n at (inset, inset) of a transparent canvas of `canvas` pixels. */
  const render = async (canvas, n, inset) => {
    await mark.evaluate(
      (img, at) => {
        img.width = at.n;
        img.height = at.n;
        img.style.margin = `${at.inset}px`;
      },
      { n, inset },
    );
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: canvas, height: canvas } });
    const got = pngSize(png);
    if (got.width !== canvas || got.height !== canvas) throw new Error(`${canvas}px icon came out ${got.width}×${got.height}`);
    return png;
  };
  mkdirSync(join(ASSETS, 'icons'), { recursive: true });
  for (const size of ICON_SIZES) {
    const png = await render(size, size, 0);
    writeFileSync(join(ASSETS, 'icons', `${size}x${size}.png`), png);
    if (size === LARGEST) writeFileSync(join(ASSETS, 'icon.png'), png);
  }
  writeFileSync(join(ASSETS, 'icon-mac.png'), await render(LARGEST, MAC_MARK, (LARGEST - MAC_MARK) / 2));
  console.log(`icons: ${ICON_SIZES.map((n) => `${n}x${n}`).join(' ')} icon.png and icon-mac.png (${LARGEST}) in assets/`);
} finally {
  await browser.close();
}
