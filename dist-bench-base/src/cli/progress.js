/** A progress bar on stderr when it is a terminal; silent otherwise (scripts, CI). */
export function progress(label, total) {
    const tty = process.stderr.isTTY;
    let count = 0;
    const draw = () => {
        if (!tty || total <= 0)
            return;
        const width = 30;
        const filled = Math.min(width, Math.round((count / total) * width));
        process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}/${total}`);
    };
    return {
        tick(n) {
            count += n;
            draw();
        },
        done() {
            if (tty && total > 0)
                process.stderr.write('\n');
        },
    };
}
