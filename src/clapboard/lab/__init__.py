"""Reference generative models (GAN, VAE, adversarial autoencoder, DDPM), small enough to read and to train on frames.

Needs the ``lab`` extra (torch, safetensors). Each model lives in one module
whose docstring gives the equation its loss implements.
"""
