import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
let cached;
/**
 * The source of chart.js's UMD build, to inline into a self-contained HTML file (no CDN, works
 * offline). The package does not export the UMD path, so it is found beside the main entry.
 */
export function chartJsSource() {
    if (cached !== undefined)
        return cached;
    const main = createRequire(import.meta.url).resolve('chart.js');
    const source = readFileSync(path.join(path.dirname(main), 'chart.umd.js'), 'utf8');
    // Inlined code must not be able to close its own <script> element.
    if (/<\/script/i.test(source))
        throw new Error('chart.js source contains </script; cannot inline it');
    cached = source;
    return source;
}
