// The headless Chromium both client benchmarks measure in.
import { chromium } from '@playwright/test';

// Chromium 156 keeps a WebUI page for the address bar's popup in a renderer
// of its own, also in headless mode: that renderer took 12 % of a core while
// idle and 20–90 % while each fresh tab loaded, on a 2-core machine, in the
// middle of what is measured. A browser in use has it idle until someone
// types in the address bar.
const withoutAddressBarPopup = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup'];
// Chromium keeps only the last --disable-features it is given, so ours
// repeats what Playwright (1.65) disables by default.
const disabledByPlaywright = [
  'AvoidUnnecessaryBeforeUnloadCheckSync', 'DestroyProfileOnBrowserClose', 'HttpsUpgrades',
  'HttpsFirstBalancedModeAutoEnable', 'LensOverlay', 'MediaRouter', 'PaintHolding',
  'ThirdPartyStoragePartitioning', 'AvoidCorsURLLoaderRestartOnRedirect', 'TcpPortRandomizationWin',
  'OptimizationHints', 'NetworkTimeServiceQuerying', 'AimEnabled', 'PreconnectToSearch',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--disable-features=${[...disabledByPlaywright, ...withoutAddressBarPopup].join(',')}`,
    ],
  });
}
