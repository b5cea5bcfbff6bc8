"""End-to-end evaluation of the running bot on frozen conversation sets (`make eval-conversations`,
`make eval-redteam`): the sets and their dev/test split (:mod:`.sets`), how a turn is judged
(:mod:`.judge`), and the runner that drives real servers (:mod:`.runner`)."""
