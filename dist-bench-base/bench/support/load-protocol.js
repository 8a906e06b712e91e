/** Messages between the benchmark's main thread (the server) and the load worker (the clients). */
export {};
