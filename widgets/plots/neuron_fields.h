// TensorFlow-Playground-style neuron thumbnails: each neuron's response over the 2D input plane
// drawn as a small square heat map (orange negative, blue positive), side by side.
#pragma once

#include "core/model/types.h"

#include <QImage>

namespace ganglion {

/// activations: neurons x (grid·grid) values, row-major planes (top row = y = +1).
/// Draws at most maxNeurons tiles of tile x tile pixels; returns a null image when the shape
/// does not match a grid.
QImage neuronFieldsImage(const Matrix& activations, int grid, int maxNeurons = 8, int tile = 24);

}  // namespace ganglion
