// A stand-in for the embedding activity, run as its own process so a test can SIGKILL it in the
// middle of a write: opens the candidate and upserts the seeded chunks batch by batch, printing
// `wrote <n>` after each. Arguments: store kb candidateId dims count batchSize seed.
import { openVectorStore } from '../../../src/vectorStores/index.js';
import { chunks } from './data.js';

const [location, kb, candidateId, dims, count, batchSize, seed] = process.argv.slice(2);
const rows = chunks('k', Number(count), Number(dims), Number(seed));
const store = await openVectorStore(location ?? '');
const candidate = await store.openCandidate({
  kb: kb ?? '',
  candidateId: candidateId ?? '',
  dims: Number(dims),
});
for (let i = 0; i < rows.length; i += Number(batchSize)) {
  await candidate.upsert(rows.slice(i, i + Number(batchSize)));
  process.stdout.write(`wrote ${i / Number(batchSize) + 1}\n`);
}
await store.close();
