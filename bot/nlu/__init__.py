"""NLU of the Rasa server: ONNX sentence encoder, custom Rasa components, evaluation.

Submodules import their heavy dependencies (onnxruntime, rasa, torch) themselves;
importing this package imports nothing heavy.
"""
