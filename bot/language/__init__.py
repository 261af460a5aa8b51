"""Norwegian text handling shared by recognition, search and the NLU: tokens, lemmas, stems, synonyms."""
