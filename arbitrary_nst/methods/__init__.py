"""One package per stylization method, each holding its network, how it renders, where
its weights come from and its training task; :mod:`~arbitrary_nst.methods.base` is the
interface they follow, :mod:`~arbitrary_nst.methods.settings` the feed-forward settings,
:mod:`~arbitrary_nst.methods.regions` which style goes where. The methods are listed in
:mod:`arbitrary_nst.registry`."""
