import { setFlagsFromString } from 'node:v8';
/*
 * Node 20.20's V8 aborts the whole process ("Fatal error … unreachable code" in
 * Deoptimizer::DoComputeBuiltinContinuation, SIGTRAP) when TurboFan code that inlined a call into
 * Cedar's WebAssembly deoptimises: decisions back to back killed a benchmark process within
 * seconds, 3 runs of 3, and none in runs with this inlining off (docs/benchmarks.md, "A V8
 * abort"). An authorization server must not die of it, so every module that calls Cedar imports
 * this first. The flag only stops inlining the JS→Wasm call; decisions measured as fast with it.
 */
setFlagsFromString('--no-turbo-inline-js-wasm-calls');
