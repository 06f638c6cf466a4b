#!/usr/bin/env python3
"""Export torchvision image classifiers and segmentation models to ONNX, for `accelnas import`
and `accelnas validate`.

Each model is built with random weights (weights=None, seeded: nothing is downloaded), put in
eval mode and exported with torch.onnx.export at batch 1 (1x3xSIZExSIZE, static shapes, the
exporter's default batchnorm folding for eval mode). The output is OUTDIR/<model>.onnx.

Needs PyTorch and torchvision; on Debian bookworm:
    apt-get install -y python3-torch python3-torchvision
"""
import argparse
import sys
from pathlib import Path

DEFAULT_MODELS = [
    "mobilenet_v2",
    "mobilenet_v3_small",
    "mobilenet_v3_large",
    "efficientnet_b0",
    "mnasnet1_0",
    "resnet18",
    "resnet50",
    "shufflenet_v2_x1_0",
    "regnet_y_400mf",
    "squeezenet1_1",
    # checked since: branches, concatenations, Pad before pools, grouped and wide convs
    "googlenet",
    "inception_v3",
    "densenet121",
    "resnet34",
    "resnext50_32x4d",
    "wide_resnet50_2",
    "alexnet",
    "vgg11_bn",
    "efficientnet_b3",
    "efficientnet_v2_s",
    "regnet_x_400mf",
    "regnet_y_800mf",
    "mnasnet0_5",
    "shufflenet_v2_x0_5",
    "squeezenet1_0",
    # semantic segmentation (torchvision.models.segmentation): dilated convs, resizes back to
    # the input size computed from its shape
    "lraspp_mobilenet_v3_large",
    "deeplabv3_mobilenet_v3_large",
    "fcn_resnet50",
]


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Export torchvision models (random weights, eval mode, batch 1) to ONNX.")
    p.add_argument("-o", "--outdir", required=True, help="directory for the <model>.onnx files")
    p.add_argument("--models", default=",".join(DEFAULT_MODELS),
                   help="comma-separated torchvision model names (default: %(default)s)")
    p.add_argument("--size", type=int, default=224, help="input height and width (default: 224)")
    p.add_argument("--opset", type=int, default=13, help="ONNX opset (default: 13)")
    p.add_argument("--seed", type=int, default=0, help="seed for the random weights (default: 0)")
    p.add_argument("--dynamic-batch", action="store_true",
                   help="export the batch dimension as dynamic (dynamic_axes), as deployment "
                        "exports often are")
    p.add_argument("--no-constant-folding", action="store_true",
                   help="keep batchnorm and shape arithmetic unfolded in the graph")
    return p.parse_args(argv)


def import_torch():
    try:
        import torch
        import torchvision
    except ImportError as e:
        sys.exit("export_torch_models.py: PyTorch and torchvision are needed (%s); on Debian: "
                 "apt-get install -y python3-torch python3-torchvision, then run this script "
                 "with /usr/bin/python3 (this is %s)" % (e, sys.executable))
    return torch, torchvision


def build(torch, torchvision, name):
    """The model, random weights; a segmentation model is wrapped to return its "out" map."""
    builder = getattr(torchvision.models, name, None)
    if builder is not None and callable(builder):
        return builder(weights=None)
    builder = getattr(torchvision.models.segmentation, name, None)
    if builder is None or not callable(builder):
        raise ValueError("torchvision %s has no model '%s'" % (torchvision.__version__, name))
    # weights_backbone=None too: its default would download ImageNet weights.
    model = builder(weights=None, weights_backbone=None)

    class SegmentationOut(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, x):
            return self.inner(x)["out"]

    return SegmentationOut(model)


def export(torch, torchvision, name, args, outdir):
    torch.manual_seed(args.seed)
    model = build(torch, torchvision, name).eval()
    x = torch.randn(1, 3, args.size, args.size)
    path = outdir / (name + ".onnx")
    with torch.no_grad():
        dynamic = {"input": {0: "batch"}, "logits": {0: "batch"}} if args.dynamic_batch else None
        torch.onnx.export(model, x, str(path), opset_version=args.opset,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes=dynamic, do_constant_folding=not args.no_constant_folding)
    return path


def main(argv):
    args = parse_args(argv)
    torch, torchvision = import_torch()
    torch.use_deterministic_algorithms(True)
    outdir = Path(args.outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    failed = []
    for name in [m.strip() for m in args.models.split(",") if m.strip()]:
        try:
            path = export(torch, torchvision, name, args, outdir)
            print("%s: %s" % (name, path))
        except Exception as e:  # one model's failure should not stop the others
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            print("%s: export failed: %s" % (name, first), file=sys.stderr)
            failed.append(name)
    if failed:
        print("not exported: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
