/* snippet.c — stub, being written */
