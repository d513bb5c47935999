"""The training log page: the training matrix, the lists a manager works from, courses,
sessions and their dialogs, and the import of completions."""
