// The one list of node types: one line per type, naming the function (defined in the node's
// own .cpp, namespace ganglion) that returns its NodeSpec. Order = palette order within a category.
// No include guard: included twice by core/model/registry.cpp with different macros.
GANGLION_NODE(makePlaygroundDataSpec)
GANGLION_NODE(makeDenseSpec)
GANGLION_NODE(makeActivationSpec)
GANGLION_NODE(makeLossSpec)
GANGLION_NODE(makeClassifierSpec)
