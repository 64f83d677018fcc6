// How this project starts Chromium: Debian's package (no downloaded browser),
// headless, with no network of its own. playwright-core gives every launch a
// fresh, empty user-data-dir. DOSSIER_CHROMIUM overrides the executable.
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.DOSSIER_CHROMIUM || "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}
