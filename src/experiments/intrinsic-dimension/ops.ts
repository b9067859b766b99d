/**
 * The two layers of both networks, y = act(x·W + b) and y = relu(conv(x, W) + b), with
 * hand-written gradients, because the wasm backend's own are slow or missing (tfjs 4.22):
 *  - a matMul with a transpose flag takes ≈28 ms for [784,128]×[128,200], against ≈4 ms for an
 *    explicit transpose then a plain matMul (and a batched matMul, rank 3, is slower still);
 *  - Conv2DBackpropFilter has no wasm kernel at all, and Conv2DBackpropInput is a slow loop
 *    (≈40 ms for LeNet's second layer), while a forward Conv2D is fast.
 * So every gradient below is built from forward Conv2D, plain 2-D matMuls and transposes, and
 * the input's gradient is skipped where the input is the data (it would be thrown away).
 * Biases must be created rank-1: the wasm fused kernels read the shape a tensor was created
 * with, not the shape it was reshaped to.
 */
import { tf } from "../../compute/backend.js";

function reluMask(dy: tf.Tensor, y: tf.Tensor, relu: boolean): tf.Tensor {
  return relu ? tf.mul(dy, tf.step(y)) : dy;
}

/**
 * act(x·W + b), act = relu or identity; x [B, in], W [in, out], b [out] → [B, out]. `data`: x is
 * the input batch, so no ∂x is formed. ∂W = xᵀ·∂z, ∂x = ∂z·Wᵀ, ∂b = Σ_batch ∂z.
 */
export function dense(x: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D, relu: boolean, data = false): tf.Tensor2D {
  const activation = relu ? "relu" : "linear";
  const forward = (xs: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const y = tf.fused.matMul({ a: xs, b: W, bias: b, activation });
    save([xs, W, y]); // gradients run after the forward pass's tensors are freed: keep what they need
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xk, Wk, yk] = saved as tf.Tensor2D[];
        const dz = reluMask(dy, yk, relu) as tf.Tensor2D;
        const dW = tf.matMul(tf.transpose(xk), dz); // [in, out]
        const db = tf.sum(dz, 0); // [out]
        return data ? [dW, db] : [tf.matMul(dz, tf.transpose(Wk)), dW, db];
      },
    };
  };
  if (data) {
    const op = tf.customGrad(((Ws: tf.Tensor, bs: tf.Tensor, save: tf.GradSaveFunc) => forward(x, save)) as never) as (W: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
    return op(W, b);
  }
  const op = tf.customGrad(((xs: tf.Tensor, Ws: tf.Tensor, bs: tf.Tensor, save: tf.GradSaveFunc) => forward(xs as tf.Tensor2D, save)) as never) as (x: tf.Tensor, W: tf.Tensor, b: tf.Tensor) => tf.Tensor2D;
  return op(x, W, b);
}

/**
 * relu(conv(x, W) + b), valid padding, stride 1. x [N, H, W, C], W [kh, kw, C, O] → [N, Ho, Wo, O].
 *  - ∂W[a,b,c,o] = Σ_{n,i,j} x[n,i+a,j+b,c]·∂z[n,i,j,o] is a valid conv once batch and channels
 *    swap roles: input xᵀ [C, H, W, N], filter ∂zᵀ [Ho, Wo, N, O] → [C, kh, kw, O].
 *  - ∂x is the full correlation of ∂z with W rotated by 180° and its channels swapped: a valid
 *    conv of ∂z zero-padded by k − 1.
 */
export function conv(x: tf.Tensor4D, W: tf.Tensor4D, b: tf.Tensor1D, data = false): tf.Tensor4D {
  const [kh, kw] = W.shape;
  const forward = (xs: tf.Tensor4D, save: tf.GradSaveFunc) => {
    const y = tf.fused.conv2d({ x: xs, filter: W, strides: 1, pad: "valid", bias: b, activation: "relu" });
    save([xs, W, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xk, Wk, yk] = saved as tf.Tensor4D[];
        const dz = reluMask(dy, yk, true) as tf.Tensor4D;
        const dWt = tf.conv2d(tf.transpose(xk, [3, 1, 2, 0]), tf.transpose(dz, [1, 2, 0, 3]), 1, "valid");
        const dW = tf.transpose(dWt, [1, 2, 0, 3]); // [kh, kw, C, O]
        const db = tf.sum(dz, [0, 1, 2]);
        if (data) return [dW, db];
        const Wflip = tf.transpose(tf.reverse(Wk, [0, 1]), [0, 1, 3, 2]); // [kh, kw, O, C]
        const padded = tf.pad(dz, [[0, 0], [kh - 1, kh - 1], [kw - 1, kw - 1], [0, 0]]);
        return [tf.conv2d(padded, Wflip, 1, "valid"), dW, db];
      },
    };
  };
  if (data) {
    const op = tf.customGrad(((Ws: tf.Tensor, bs: tf.Tensor, save: tf.GradSaveFunc) => forward(x, save)) as never) as (W: tf.Tensor, b: tf.Tensor) => tf.Tensor4D;
    return op(W, b);
  }
  const op = tf.customGrad(((xs: tf.Tensor, Ws: tf.Tensor, bs: tf.Tensor, save: tf.GradSaveFunc) => forward(xs as tf.Tensor4D, save)) as never) as (x: tf.Tensor, W: tf.Tensor, b: tf.Tensor) => tf.Tensor4D;
  return op(x, W, b);
}
