/* read_jsonl.c — stub, being written */
