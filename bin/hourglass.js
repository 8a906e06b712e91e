#!/usr/bin/env node
import('../dist/main/cli.js').then((m) => m.main(process.argv))
