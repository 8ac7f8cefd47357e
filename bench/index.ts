/**
 * `npm run bench`: the benchmarks. The streaming benchmark against peers is not written yet (see
 * the performance issue); this entry point exists so the command works.
 */
console.log("no benchmarks yet")
