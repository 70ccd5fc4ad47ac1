/* analyzer.c — stub, being written */
