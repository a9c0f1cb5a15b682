// llama.cpp (node-llama-cpp 3.22.1, prebuilt CPU binary) throughput on the same GGUF, the same work as
// LlamaThroughput.java. Usage: node llamacpp_throughput.mjs MODEL.gguf REPS THREADS
import {getLlama} from "node-llama-cpp";
const [modelPath, repsArg, threadsArg] = process.argv.slice(2);
const reps = Number(repsArg), threads = Number(threadsArg);
const llama = await getLlama({gpu: false, build: "never"});
const model = await llama.loadModel({modelPath});
function prompts(n, len, seed) {
  let s = BigInt(seed) * 6364136223846793005n + 1442695040888963407n;
  const out = [];
  for (let i = 0; i < n; i++) {
    const ids = [1];
    for (let j = 1; j < len; j++) { s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n); ids.push(3 + Number((s >> 33n) % 31997n)); }
    out.push(ids);
  }
  return out;
}
const newTokens = 32;
const ctxOpts = (seqs, size) => ({contextSize: size, batchSize: 512, sequences: seqs, threads, flashAttention: false,
  experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32"});
// prompt processing: 16 x 256 tokens, 16 sequences of one context evaluated together (batched by node-llama-cpp)
// (contextSize is per sequence; every sequence is taken once and cleared before each use)
const ppCtx = await model.createContext(ctxOpts(16, 272));
const seqsOf = (ctx, n) => Array.from({length: n}, () => ctx.getSequence());
const ppSeqs = seqsOf(ppCtx, 16);
const pp = prompts(16, 256, 1);
async function generate(seqs, ps, n) {
  // greedy, n tokens per sequence after the prompt, the sequences decoded together; returns the tokens generated
  let total = 0;
  await Promise.all(ps.map(async (p, i) => {
    const seq = seqs[i];
    await seq.clearHistory();
    let k = 0;
    for await (const t of seq.evaluate(p, {temperature: 0})) { total++; if (++k >= n) break; }
  }));
  return total;
}
const gen1 = seqsOf(await model.createContext(ctxOpts(1, 64)), 1);
const gen16 = seqsOf(await model.createContext(ctxOpts(16, 64)), 16);
// rep -1 is a warm-up, not printed, as in LlamaThroughput.java
for (let rep = -1; rep < reps; rep++) {
  await Promise.all(ppSeqs.map(s => s.clearHistory()));
  let t0 = performance.now();
  await Promise.all(pp.map((p, i) => ppSeqs[i].evaluateWithoutGeneratingNewTokens(p)));
  if (rep >= 0) console.log(`pp16x256 ${((performance.now() - t0) / 1000).toFixed(3)}`);
  for (const [batch, ctx] of [[1, gen1], [16, gen16]]) {
    const ps = prompts(batch, 16, batch == 1 ? 2 : 3);
    let a = performance.now();
    await generate(ctx, ps, 1);
    const prefill = performance.now() - a;
    let b = performance.now();
    const tokens = await generate(ctx, ps, newTokens) - batch;
    if (rep >= 0) console.log(`gen_b${batch} ${((performance.now() - b - prefill) / 1000).toFixed(3)} ${tokens}`);
  }
}
await llama.dispose();
