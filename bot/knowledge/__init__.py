"""Knowledge base: indexing, hybrid retrieval and fact checking of answers.

Submodules are imported on demand; ``bot.knowledge.facts`` is pure Python,
while the indexer and the retriever need the ML environment (FAISS,
sentence-transformers, bm25s).
"""
