/** A one-line progress bar on stderr for long runs (only on a terminal, so logs and pipes stay clean). */
export function progressBar(label: string): { update: (done: number, total: number) => void; end: () => void } {
  const tty = process.stderr.isTTY;
  const start = Date.now();
  let last = 0;
  return {
    update(done, total) {
      if (!tty) return;
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      const width = 30;
      const filled = Math.round((width * done) / total);
      const secs = (now - start) / 1000;
      const eta = done > 0 ? (secs / done) * (total - done) : 0;
      process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${secs.toFixed(1)} s${done < total ? `, ~${eta.toFixed(0)} s left` : ''}   `);
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
  };
}
