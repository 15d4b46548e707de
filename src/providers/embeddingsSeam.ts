// The embeddings seam as code above src/providers/ sees it (the knowledge base's activities):
// the interface, the batching rules and the price table; the hosts live in ./embeddings/.
export * from './embeddings/index.js';
