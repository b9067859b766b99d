/** The figures of a checkpoint comparison: intruders per layer, and where in the spectrum they sit. */
import * as Plot from "@observablehq/plot";
import { figure, type Figure } from "../plot/figure.js";
import type { CheckpointComparison } from "./compareCheckpoints.js";

export function checkpointFigures(c: CheckpointComparison): Figure[] {
  const perLayer = c.layers.map((l, i) => ({ index: i, layer: l.layer, intruders: l.intruders }));
  const positions = c.layers.flatMap((l, i) => l.intruderRanks.map((rank) => ({ index: i, layer: l.layer, rank })));
  return [
    figure({
      id: "intruders-per-layer",
      title: `Intruder dimensions per layer (top ${c.k}, ε = ${c.epsilon})`,
      caption: "How many of each fine-tuned weight's top-k singular vectors have no pretrained singular vector with |cos| ≥ ε (Shuttleworth et al. 2024, Algorithm 1), layer by layer in checkpoint order.",
      plot: {
        x: { label: "layer (checkpoint order)" },
        y: { label: "intruder dimensions", grid: true },
        marks: [Plot.rectY(perLayer, { x: "index", y: "intruders", interval: 1, inset: 1, fill: "#e15759", title: "layer" }), Plot.ruleY([0])],
      },
    }),
    figure({
      id: "intruder-ranks",
      title: "Where the intruders sit in each layer's spectrum",
      caption: "One dot per intruder: its position among the fine-tuned weight's singular values (1 = largest). The paper finds intruders among the top singular vectors of LoRA fine-tunes.",
      plot: {
        x: { label: "layer (checkpoint order)", domain: [0, Math.max(1, c.layers.length - 1)] },
        y: { label: "singular-value rank of the intruder", domain: [c.k + 0.5, 0.5], grid: true },
        marks: [Plot.dot(positions, { x: "index", y: "rank", fill: "#e15759", r: 3, title: "layer" })],
      },
    }),
  ];
}
